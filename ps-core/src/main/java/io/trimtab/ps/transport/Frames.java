package io.trimtab.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.function.Consumer;

/** Length-prefixed frames: {@code [length:4][body]}. */
final class Frames {
  /** Largest frame accepted, in bytes: the largest message the codec writes. */
  static final int MAX_FRAME = io.trimtab.ps.protocol.Codec.MAX_MESSAGE_BYTES;

  private Frames() {}

  static LengthFieldBasedFrameDecoder decoder() {
    return new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4);
  }

  /** Allocates a buffer and writes {@code body} into it behind a length prefix. */
  static ByteBuf frame(ByteBufAllocator alloc, Consumer<ByteBuf> body) {
    ByteBuf buf = alloc.ioBuffer();
    try {
      buf.writeInt(0);
      body.accept(buf);
      buf.setInt(0, buf.writerIndex() - 4);
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }
}
