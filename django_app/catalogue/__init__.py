"""The catalogue app: products, categories, reviews, price history and tokens."""
