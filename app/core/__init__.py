"""The domain layer: every rule of the programme, shared by the API, the pages and the CLI."""
