package io.gatehouse.api;

/** How far along a module is, shown in module listings as MaxScale shows its own; immutable. */
public enum Maturity {
    EXPERIMENTAL, ALPHA, BETA, GA;

    /** The word shown in module listings ({@code GA}, {@code Beta}, ...). */
    public String word() {
        return this == GA ? "GA" : name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
