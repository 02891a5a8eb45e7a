"""symcnn's jinja2 templates, shipped as the package data of ``symcnn.templates`` (see README.md here)."""
