"""Text to numbers: the tokenizer, the dictionary, the treebank, its data folder and the training batches."""
