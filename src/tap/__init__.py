"""tap: move a payment service from dev to a hardened production environment on AWS."""

__version__ = "0.1.0"
