"""Moving comments in and out: importers for Disqus, WordPress, Isso and our JSON, and the export."""
