// Placeholder: replaced by the mempool implementation.
