"""Sentiment classifier: embedding -> 2-layer LSTM (batch_first) -> last hidden state -> linear."""
import torch
import torch.nn as nn

VOCAB_SIZE = 5000
EMBED_DIM = 64
HIDDEN = 128


class SentimentLSTM(nn.Module):
    def __init__(self, vocab_size=VOCAB_SIZE, embed_dim=EMBED_DIM, hidden_dim=HIDDEN, n_layers=2,
                 output_size=1, drop_prob=0.3):
        super().__init__()
        self.n_layers = n_layers
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim, output_size)
        self.sig = nn.Sigmoid()

    def forward(self, x):
        embeds = self.embedding(x)
        lstm_out, (hidden, cell) = self.lstm(embeds)
        out = self.dropout(hidden[-1])
        out = self.fc(out)
        return self.sig(out).squeeze(1)


net = SentimentLSTM()
print(net)
