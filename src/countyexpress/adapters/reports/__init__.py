"""Report files: the yearly assessment as PDF, Word and Excel, from its plain (JSON) form."""
