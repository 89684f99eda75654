"""The storage layer: SQLAlchemy models, repositories and Alembic migrations.

Start at `db.Database` (engine, connections, schema upgrade) and
`unit_of_work.in_transaction` (one transaction per update, retried when another
update about the same meeting got there first).
"""
