"""Operations: metrics, health."""
