"""Vocabulary and shape of the sample shop, shared by the generator and the day simulator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# Load order respects foreign keys; truncation runs in reverse.
TABLES: tuple[str, ...] = ("customers", "products", "orders", "order_items", "payments")
ID_COLUMNS: dict[str, str] = {
    "customers": "customer_id",
    "products": "product_id",
    "orders": "order_id",
    "order_items": "order_item_id",
    "payments": "payment_id",
}

SEGMENTS = ("consumer", "corporate", "home_office")
SEGMENT_WEIGHTS = (0.68, 0.22, 0.10)

COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IT", "SE", "PL", "BR", "JP", "IN")
COUNTRY_WEIGHTS = (0.34, 0.12, 0.10, 0.08, 0.07, 0.05, 0.04, 0.04, 0.04, 0.03, 0.03, 0.03, 0.02, 0.01)

# category -> (median price in USD, log-normal sigma)
CATEGORIES: dict[str, tuple[float, float]] = {
    "electronics": (180.0, 0.8),
    "computers": (650.0, 0.6),
    "home": (45.0, 0.7),
    "kitchen": (35.0, 0.6),
    "garden": (40.0, 0.7),
    "toys": (25.0, 0.6),
    "books": (15.0, 0.4),
    "sports": (55.0, 0.7),
    "beauty": (22.0, 0.5),
    "fashion": (48.0, 0.6),
    "grocery": (8.0, 0.5),
    "office": (20.0, 0.6),
}

ORDER_STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled", "refunded")
COUNTED_STATUSES = ("paid", "shipped", "delivered")
PAYMENT_METHODS = ("card", "paypal", "bank_transfer", "gift_card")
PAYMENT_METHOD_WEIGHTS = (0.66, 0.22, 0.08, 0.04)
PAYMENT_STATUSES = ("authorized", "captured", "failed", "refunded")

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Alice",
    "Amir",
    "Ana",
    "Anna",
    "Ben",
    "Carla",
    "Chen",
    "Chloe",
    "Dan",
    "David",
    "Elena",
    "Emma",
    "Eva",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jack",
    "James",
    "Jana",
    "Jin",
    "Julia",
    "Karl",
    "Kenji",
    "Laura",
    "Leo",
    "Lina",
    "Lucas",
    "Maria",
    "Mateo",
    "Mia",
    "Nadia",
    "Noah",
    "Nora",
    "Olga",
    "Omar",
    "Paul",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Sara",
    "Sofia",
    "Tom",
    "Uma",
    "Victor",
    "Wei",
    "Yara",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Becker",
    "Brown",
    "Chen",
    "Clark",
    "Costa",
    "Davis",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Gomez",
    "Hansen",
    "Ito",
    "Jensen",
    "Jones",
    "Kim",
    "Kowalski",
    "Lee",
    "Lopez",
    "Martin",
    "Meyer",
    "Miller",
    "Moreau",
    "Murphy",
    "Nguyen",
    "Novak",
    "Olsen",
    "Patel",
    "Perez",
    "Rossi",
    "Sanchez",
    "Santos",
    "Schmidt",
    "Silva",
    "Smith",
    "Suzuki",
    "Taylor",
    "Thomas",
    "Walker",
    "Wang",
    "Weber",
    "Wilson",
    "Yilmaz",
]

DEFAULT_SEED = 20251101
DEFAULT_ORDERS = 10_000
DEFAULT_HISTORY_DAYS = 365
# A fixed default end makes the same seed give the same rows on any day it runs.
DEFAULT_END_DATE = date(2026, 10, 31)


@dataclass(frozen=True)
class ShopSpec:
    """What to generate. Derived sizes keep the shop's shape at any scale."""

    orders: int = DEFAULT_ORDERS
    seed: int = DEFAULT_SEED
    end_date: date = DEFAULT_END_DATE
    history_days: int = DEFAULT_HISTORY_DAYS

    def __post_init__(self) -> None:
        if self.orders < 1:
            raise ValueError(f"orders must be >= 1, got {self.orders}")
        if self.history_days < 7:
            raise ValueError(f"history_days must be >= 7, got {self.history_days}")

    @property
    def customers(self) -> int:
        return max(50, self.orders // 6)

    @property
    def products(self) -> int:
        return max(40, min(50_000, self.orders // 25))

    @property
    def start_date(self) -> date:
        """The day the shop opened: nothing in the source is older."""
        return self.end_date - timedelta(days=self.history_days - 1)
