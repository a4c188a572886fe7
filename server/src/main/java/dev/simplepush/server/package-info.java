/**
 * The standalone SimplePush server: maps command-line flags and environment variables onto the module
 * configurations, composes the modules with Guice, and runs until SIGTERM.
 */
@NullMarked
package dev.simplepush.server;

import org.jspecify.annotations.NullMarked;
