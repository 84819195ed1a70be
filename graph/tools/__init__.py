"""Tools over the whole store: the synthetic landscape generator and the exports."""
