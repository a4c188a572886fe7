/**
 * Undertow's routes: {@link dev.simplepush.transport.websocket.internal.http.HttpRoutes} serves the endpoints
 * {@code PUT /update/{token}} (P4), {@code /health} and the browser files, and hands {@code /} to the device side;
 * {@code HttpError} is the one table of HTTP statuses and error numbers. Not API.
 */
@NullMarked
package dev.simplepush.transport.websocket.internal.http;

import org.jspecify.annotations.NullMarked;
