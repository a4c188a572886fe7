package dev.simplepush.core;

/**
 * What reaches a device on its socket: a SimplePush {@link Update} (P5) or a Web Push {@link WebPushMessage} (W5).
 * The {@link dev.simplepush.core.spi.Router} carries either to the connection that holds the device; the session
 * formats it for the dialect of that connection.
 */
public sealed interface Notice permits Update, WebPushMessage {

    /** The channel this notice is for. */
    ChannelId channelId();
}
