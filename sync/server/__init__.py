"""The provincial server: FastAPI app, its database (SQLite by default, PostgreSQL in production) and CLI."""
