"""Figure builders: arrays in, Plotly figures (or small HTML strips) out. The only part of rnn_core that imports plotly."""
