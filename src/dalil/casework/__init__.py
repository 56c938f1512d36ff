"""Case work (PRODUCT.md IN-4): tasks, the journal with versioned amendments, documents, timeline."""
