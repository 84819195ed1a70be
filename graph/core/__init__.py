"""Small checks every layer may use (text, literal values): no imports from other layers."""
