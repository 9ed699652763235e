"""The notification hub: who is told of what about a child, by when, and the delivery."""
