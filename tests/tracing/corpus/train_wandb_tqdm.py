# Fine-tune a small classifier, logging to Weights & Biases; progress bars with tqdm.
import os

import numpy as np
import torch
import torch.nn as nn
import wandb
from tqdm import tqdm
from torch.utils.data import DataLoader, TensorDataset, random_split

config = dict(epochs=3, batch_size=32, lr=3e-4, num_classes=5, dropout=0.2)
wandb.init(project="flowers", config=config)
cfg = wandb.config

device = "cuda" if torch.cuda.is_available() else "cpu"

data = TensorDataset(torch.rand(128, 3, 64, 64), torch.randint(0, 5, (128,)))
n_val = len(data) // 8
train_ds, val_ds = random_split(data, [len(data) - n_val, n_val])
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=32)


def conv_block(cin, cout, pool=True):
    layers = [nn.Conv2d(cin, cout, kernel_size=3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    if pool:
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


class FlowerNet(nn.Module):
    def __init__(self, num_classes, dropout):
        super().__init__()
        self.conv1 = conv_block(3, 32)
        self.conv2 = conv_block(32, 64)
        self.res1 = nn.Sequential(conv_block(64, 64, pool=False), conv_block(64, 64, pool=False))
        self.conv3 = conv_block(64, 128)
        self.conv4 = conv_block(128, 256)
        self.res2 = nn.Sequential(conv_block(256, 256, pool=False), conv_block(256, 256, pool=False))
        self.classifier = nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Dropout(dropout),
                                        nn.Linear(256, num_classes))

    def forward(self, xb):
        out = self.conv1(xb)
        out = self.conv2(out)
        out = self.res1(out) + out
        out = self.conv3(out)
        out = self.conv4(out)
        out = self.res2(out) + out
        return self.classifier(out)


model = FlowerNet(config["num_classes"], config["dropout"]).to(device)
wandb.watch(model, log="all")
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"], weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config["lr"], epochs=config["epochs"],
                                                steps_per_epoch=len(train_loader))
print(f"{sum(p.numel() for p in model.parameters()):,} parameters")

for epoch in range(config["epochs"]):
    model.train()
    running = []
    for images, labels in tqdm(train_loader, desc=f"epoch {epoch}"):
        images, labels = images.to(device), labels.to(device)
        loss = criterion(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running.append(loss.item())
    wandb.log({"train_loss": np.mean(running), "lr": scheduler.get_last_lr()[0]})
    os.makedirs("checkpoints", exist_ok=True)
    torch.save({"epoch": epoch, "state_dict": model.state_dict()}, f"checkpoints/flowers_{epoch}.pt")
wandb.finish()
