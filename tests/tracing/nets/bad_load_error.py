import torch.nn as nn

layers = [nn.Conv2d(3, 8, 3), nn.ReLU()]
net = nn.Sequential(*layers)
print(layers[2])
