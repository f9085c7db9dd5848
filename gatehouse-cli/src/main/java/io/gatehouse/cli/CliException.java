package io.gatehouse.cli;

/** A failure gatectl reports as {@code Error: message} with exit status 1. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
