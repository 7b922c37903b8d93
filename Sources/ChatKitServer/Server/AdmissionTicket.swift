import Atomics

/// One admitted WebSocket connection's place in ``ConnectionAdmission``: given back once, by ``release()``, when
/// the connection closes or its upgrade fails after admission.
final class AdmissionTicket: Sendable {
    private let admission: ConnectionAdmission
    /// The peer address the connection counts against, `nil` when none is tracked.
    let address: String?
    private let released = ManagedAtomic<Bool>(false)

    init(admission: ConnectionAdmission, address: String?) {
        self.admission = admission
        self.address = address
    }

    /// Gives the place back; later calls do nothing.
    func release() {
        guard self.released.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        self.admission.release(address: self.address)
    }
}
