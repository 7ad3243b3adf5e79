"""What a model does with one text: traces, one step, one neuron, output heads, gradients through time."""
