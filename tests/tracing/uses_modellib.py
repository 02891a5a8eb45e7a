from modellib import create_model

model = create_model("posnet_tiny", num_classes=5)
