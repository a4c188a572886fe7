/**
 * The in-memory store and single-node router: everything lives in this JVM's heap and is lost on restart.
 * Install {@link dev.simplepush.store.memory.InMemoryStoreModule} for a single node.
 */
@NullMarked
package dev.simplepush.store.memory;

import org.jspecify.annotations.NullMarked;
