// Placeholder until the first room sources land; delete when room/ has real sources.
