/// The transaction user (TU) of a ``TransactionLayer`` (RFC 3261 §17: the UAC or UAS core, or
/// a dialog layer): it receives every ``TransactionUserEvent`` on the layer's event loop.
///
/// The layer holds its user weakly. A user may call back into the layer from
/// ``transactionLayer(_:didDeliver:)``, for example to answer a request at once.
public protocol TransactionUser: AnyObject {
    /// Called on the layer's event loop for every event, in order.
    func transactionLayer(_ layer: TransactionLayer, didDeliver event: TransactionUserEvent)
}
