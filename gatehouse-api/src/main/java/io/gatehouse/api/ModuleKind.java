package io.gatehouse.api;

/** The five kinds of plugin module, named as in MaxScale's configuration; immutable. */
public enum ModuleKind {
    PROTOCOL, ROUTER, FILTER, MONITOR, AUTHENTICATOR;

    /** The lower-case word used in module listings ({@code router}, {@code monitor}, ...). */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
