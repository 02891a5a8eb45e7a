import torch.nn as nn

encoder = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU())
decoder = nn.Sequential(nn.ConvTranspose2d(8, 1, 3), nn.Sigmoid())
