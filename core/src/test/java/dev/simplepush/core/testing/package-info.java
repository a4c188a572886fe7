/**
 * Test fixtures shared through core's test-jar: bounded waiting for stages, a recording {@code LocalDevice} and a
 * scheduler whose time moves only when the test says so.
 */
@NullMarked
package dev.simplepush.core.testing;

import org.jspecify.annotations.NullMarked;
