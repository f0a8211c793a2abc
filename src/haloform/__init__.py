"""haloform: Halo (HaloPSA / HaloITSM) automation config as code."""

__version__ = "0.1.0"
