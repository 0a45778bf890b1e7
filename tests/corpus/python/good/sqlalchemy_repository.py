"""A repository layer over SQLAlchemy Core and ORM: bound parameters everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, create_engine, select, text, update
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()
engine = create_engine("sqlite:///orders.db")
ORDERS = "orders"


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    customer = Column(String(100), nullable=False)
    status = Column(String(20), default="new")
    created = Column(DateTime, default=datetime.utcnow)


@dataclass
class OrderRepository:
    session: Session

    def by_customer(self, customer: str) -> list[Order]:
        return list(self.session.scalars(select(Order).where(Order.customer == customer)))

    def mark_shipped(self, order_id: int) -> None:
        self.session.execute(update(Order).where(Order.id == order_id).values(status="shipped"))

    def count_by_status(self, status: str) -> int:
        query = text(f"SELECT COUNT(*) FROM {ORDERS} WHERE status = :status")
        return self.session.execute(query, {"status": status}).scalar_one()

    def search(self, term: str, limit: int = 20) -> list[dict]:
        statement = text("SELECT id, customer FROM orders WHERE customer LIKE :pattern LIMIT :limit")
        rows = self.session.execute(statement, {"pattern": f"%{term}%", "limit": limit})
        return [dict(row._mapping) for row in rows]

    def recent(self, days: int) -> list[dict]:
        statement = text("SELECT id FROM orders WHERE created > datetime('now', :offset)").bindparams(
            offset=f"-{int(days)} days"
        )
        return [dict(row._mapping) for row in self.session.execute(statement)]
