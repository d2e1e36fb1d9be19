// Placeholder until the first audio sources land; delete when audio/ has real sources.
