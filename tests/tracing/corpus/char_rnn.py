import torch
import torch.nn as nn


class CharRNN(nn.Module):
    def __init__(self, n_chars, hidden_size, n_layers=2, model="gru"):
        super(CharRNN, self).__init__()
        self.model = model.lower()
        self.n_chars = n_chars
        self.hidden_size = hidden_size
        self.n_layers = n_layers

        self.encoder = nn.Embedding(n_chars, hidden_size)
        if self.model == "gru":
            self.rnn = nn.GRU(hidden_size, hidden_size, n_layers, batch_first=True)
        elif self.model == "rnn":
            self.rnn = nn.RNN(hidden_size, hidden_size, n_layers, nonlinearity="tanh", batch_first=True)
        self.decoder = nn.Linear(hidden_size, n_chars)

    def forward(self, input, hidden):
        encoded = self.encoder(input)
        output, hidden = self.rnn(encoded, hidden)
        output = self.decoder(output.reshape(-1, self.hidden_size))
        return output, hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.n_layers, batch_size, self.hidden_size)


if __name__ == '__main__':
    rnn = CharRNN(100, 64)
    hidden = rnn.init_hidden(2)
    out, hidden = rnn(torch.randint(0, 100, (2, 10)), hidden)
