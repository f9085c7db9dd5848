package io.gatehouse.api;

/**
 * A plugin module, found with {@link java.util.ServiceLoader} under this interface's name. Implementations are
 * stateless factories: they are created once at start, may be called from any thread and hold no buffers.
 */
public interface Module {
    /** The module's self-description; the same object on every call. */
    ModuleDescriptor descriptor();

    /**
     * Checks rules between parameters that types alone cannot express, after each value has been parsed; called
     * when a configuration is loaded or checked. Throws {@link IllegalArgumentException} with a one-line message in
     * the form {@code [section] parameter: 'value' (expected: rule)}.
     */
    default void validate(io.gatehouse.api.config.Params params) {
    }
}
