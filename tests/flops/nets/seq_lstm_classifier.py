"""An LSTM text classifier: token ids -> embeddings -> 2-layer bidirectional LSTM -> last step -> classes."""
import torch
import torch.nn as nn


class LSTMClassifier(nn.Module):
    def __init__(self, vocab=1000, embed=32, hidden=48, classes=5):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=0.2)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, tokens):
        out, (h, c) = self.lstm(self.embed(tokens))
        return self.fc(self.drop(out[:, -1, :]))


model = LSTMClassifier()
x = torch.randint(0, 1000, (1, 20))
