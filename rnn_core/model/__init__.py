"""The recurrent models: the network, checkpoints and cards, training and evaluation."""
