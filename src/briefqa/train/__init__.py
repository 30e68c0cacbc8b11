"""Training: the data, the reader and the evidence model that briefqa ships, rebuilt by
`briefqa train ...` from what `training/` holds (see training/README.md)."""
