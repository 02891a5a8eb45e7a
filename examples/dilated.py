"""Seed 001's example net: conv, dilated conv, transposed conv on 1x2x7x7 (4x7x7, 8x3x3, 16x5x5)."""
import torch
import torch.nn as nn
from torch.autograd import Variable


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1=nn.Conv2d(2,4,3,1,1)
        self.conv2=nn.Conv2d(4,8,3,1,padding=1,dilation=3)
        self.conv3=nn.ConvTranspose2d(8,16,3,2,1,0)
    def forward(self, input):
        x=self.conv1(input)
        x1=self.conv2(x)
        x2=self.conv3(x1)
        return x2
my_net=Net()
input=Variable(torch.rand(1,2,7,7))
out=my_net(input)
