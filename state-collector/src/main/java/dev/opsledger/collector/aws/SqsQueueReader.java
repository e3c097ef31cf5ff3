package dev.opsledger.collector.aws;

import dev.opsledger.collector.observe.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SQS queues: the declarable attributes and tags. */
final class SqsQueueReader implements AwsKindReader {

  private final SqsClient sqs;
  private final Throttling throttling;

  SqsQueueReader(SqsClient sqs, Throttling throttling) {
    this.sqs = sqs;
    this.throttling = throttling;
  }

  @Override
  public String kind() {
    return "SQSQueue";
  }

  @Override
  public List<Observation> read(String target) {
    List<String> urls =
        throttling.call(
            "ListQueues", () -> sqs.listQueuesPaginator(b -> {}).queueUrls().stream().toList());
    List<Observation> out = new ArrayList<>(urls.size());
    for (String url : urls) {
      String name = AwsManifests.queueName(url);
      try {
        Map<String, String> attributes =
            throttling.call(
                "GetQueueAttributes",
                () ->
                    sqs.getQueueAttributes(
                            b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                        .attributesAsStrings());
        Map<String, String> tags =
            throttling.call("ListQueueTags", () -> sqs.listQueueTags(b -> b.queueUrl(url)).tags());
        out.add(AwsManifests.present(target, AwsManifests.sqsQueue(name, attributes, tags)));
      } catch (RuntimeException e) {
        out.add(AwsFailures.failed(AwsManifests.key(target, kind(), name), e));
      }
    }
    return out;
  }

  @Override
  public void close() {
    sqs.close();
  }
}
