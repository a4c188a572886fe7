package dev.simplepush.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How the core describes a failure in a log line. */
final class Failures {

    private Failures() {
    }

    /** The failure behind the wrappers a stage adds, as text. */
    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }
}
