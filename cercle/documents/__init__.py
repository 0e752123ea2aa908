"""Community libraries: folders, documents with versions, previews and the text inside them."""
