import Logging

/// The moderation events the metrics count, each called once, after its change committed:
/// `reported` (corkboard_reports_total) and `autoHidden` (corkboard_posts_auto_hidden_total).
/// The queue's size (corkboard_moderation_queue_posts) is `ModerationQueue.pendingCount`.
enum ModerationEvents {
    static func reported(postID: Int64, metrics: RoutingMetrics, logger: Logger) {
        metrics.reportFiled()
        logger.info("post reported", metadata: ["post": "\(postID)"])
    }

    static func autoHidden(postID: Int64, weight: Int, metrics: RoutingMetrics, logger: Logger) {
        metrics.postAutoHidden()
        logger.notice("post hidden after reports", metadata: ["post": "\(postID)", "weight": "\(weight)"])
    }
}
