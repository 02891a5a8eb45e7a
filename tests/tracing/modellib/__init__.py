"""A small model library written for symcnn's tests: it stands in for torchvision, timm or a lab's own
package (its own modules, factories, a registry, and model-building code that needs real torch)."""

from .registry import create_model, list_models
from .nets import PosNet, posnet_small, posnet_tiny

__all__ = ["PosNet", "create_model", "list_models", "posnet_small", "posnet_tiny"]
