/// The fields each accounts request of the API takes (`StringBody` keys; on the wire their
/// snake_case), as public/api/openapi.json lists them.
enum AccountFields {
    /// `POST /api/signup`, `POST /api/login`.
    enum Credentials: CodingKey, CaseIterable { case email, password }
    /// `POST /api/verify`.
    enum Token: CodingKey, CaseIterable { case token }
    /// `POST /api/reset`.
    enum Email: CodingKey, CaseIterable { case email }
    /// `POST /api/reset/confirm`.
    enum NewPassword: CodingKey, CaseIterable { case token, password }
    /// `POST /api/password`.
    enum PasswordChange: CodingKey, CaseIterable { case currentPassword, newPassword }
    /// `POST /api/email`.
    enum EmailChange: CodingKey, CaseIterable { case newEmail, password }
    /// `DELETE /api/user`.
    enum Password: CodingKey, CaseIterable { case password }
}
