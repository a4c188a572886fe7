package dev.simplepush.transport.udp;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A PKCS12 or JKS key store on disk and its password: a client certificate with its key, or the certificates to
 * trust. The type is detected from the file when it is loaded (at {@code start()}). The password is redacted in
 * {@link #toString()}.
 *
 * @param path the key store file
 * @param password its password (also used for the key of a client certificate)
 */
public record KeyStoreFile(Path path, String password) {

    /** Validates that no component is null. */
    public KeyStoreFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "KeyStoreFile[path=" + path + ", password=***]";
    }
}
