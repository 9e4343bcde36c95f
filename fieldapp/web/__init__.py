"""The web layer every part's pages stand on: form handling with the one refusal path (``forms``),
templating, the access declarations (``access``), the error handlers (``errors``), shared page pieces
(``pages``) and the home page (``views``). It imports nothing of the domain."""
