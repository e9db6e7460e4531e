"""Reference implementations of the shipped assignments."""
