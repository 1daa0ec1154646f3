// The subset of TensorFlow's protos attnlens reads, with TensorFlow's own field
// numbers (shared docs FORMATS.md §4.3–4.5; tensorflow/core/framework/tensor.proto,
// tensor_shape.proto, types.proto; tensorflow/core/util/event.proto;
// tensorflow/core/framework/summary.proto; tensorflow/core/example/{example,feature}.proto).
// Fields attnlens never looks into (graph_def, histograms ...) are declared as bytes,
// so decoding a 100 MB graph costs a slice, not a parse.
import protobuf from 'protobufjs';
import Long from 'long';

export const TF_PROTO_SOURCE = `
syntax = "proto3";
package attnlens.tf;

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  // Field 1 is unused in TensorFlow's TensorShapeProto: dim is 2.
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated float scomplex_val = 9 [packed = true];
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated double dcomplex_val = 12 [packed = true];
  repeated int32 half_val = 13 [packed = true];
  repeated bytes resource_handle_val = 14;
  repeated bytes variant_val = 15;
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
  bytes float8_val = 18;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}

message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    int32 colorspace = 3;
    bytes encoded_image_string = 4;
  }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      Image image = 4;
      bytes histo = 5;
      bytes audio = 6;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    bytes log_message = 6;
    bytes session_log = 7;
    bytes tagged_run_metadata = 8;
    bytes meta_graph_def = 9;
  }
  bytes source_metadata = 10;
}

message BytesList { repeated bytes value = 1; }
message FloatList { repeated float value = 1 [packed = true]; }
message Int64List { repeated int64 value = 1 [packed = true]; }
message Feature {
  oneof kind {
    BytesList bytes_list = 1;
    FloatList float_list = 2;
    Int64List int64_list = 3;
  }
}
message Features { map<string, Feature> feature = 1; }
message Example { Features features = 1; }
`;

export interface TFSchema {
  TensorProto: protobuf.Type;
  Event: protobuf.Type;
  Example: protobuf.Type;
}

let cached: TFSchema | undefined;

/** The parsed schema (lazily, once). int64 fields decode to `Long`. */
export function tfSchema(): TFSchema {
  if (!cached) {
    // protobufjs finds `long` by a dynamic require that an ESM bundle may not have.
    if (!protobuf.util.Long) {
      protobuf.util.Long = Long;
      protobuf.configure();
    }
    const root = protobuf.parse(TF_PROTO_SOURCE, { keepCase: false }).root;
    cached = {
      TensorProto: root.lookupType('attnlens.tf.TensorProto'),
      Event: root.lookupType('attnlens.tf.Event'),
      Example: root.lookupType('attnlens.tf.Example'),
    };
  }
  return cached;
}

/** A protobufjs int64 (Long, or number when Long is absent) as a JS number; exact up to 2^53. */
export function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as Long).toNumber();
  return Number(v ?? 0);
}

export function longToBigInt(v: unknown, unsigned: boolean): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (v && typeof v === 'object' && 'low' in v) {
    const l = v as Long;
    const big = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
    return unsigned ? big : BigInt.asIntN(64, big);
  }
  return BigInt(String(v ?? 0));
}
