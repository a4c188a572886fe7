/**
 * Test fixtures shared through core's test-jar: bounded waiting for stages and a recording {@code LocalDevice}.
 */
@NullMarked
package dev.simplepush.core.testing;

import org.jspecify.annotations.NullMarked;
