// Sends a message file the way SocketTools documents CSmtpClient: Connect,
// Authenticate, SendMessage, Disconnect. Written for SocketTools; ported to
// smtpkit by changing the include (cstools10.h) and nothing else.
//
//   send_message SERVER PORT SENDER RECIPIENTS FILE [USERNAME]
//
// RECIPIENTS is one string, addresses separated by commas; the password is
// read from the SMTP_PASSWORD environment variable. The connection is
// secured with STARTTLS (implicit TLS on port 465).
#include <smtpkit/csmtpclient.h>

#include <cstdio>
#include <cstdlib>

static void ShowError(CSmtpClient* pClient, LPCTSTR lpszAction) {
    TCHAR szError[512];
    DWORD dwError = pClient->GetLastError();

    pClient->GetErrorString(dwError, szError, 512);
    std::fprintf(stderr, "%s failed: 0x%08X %s\n", lpszAction, dwError, szError);
}

int main(int argc, char* argv[]) {
    if (argc < 6 || argc > 7) {
        std::fprintf(stderr, "usage: send_message SERVER PORT SENDER RECIPIENTS FILE [USERNAME]\n");
        return 64;
    }

    LPCTSTR lpszServer = argv[1];
    UINT nPort = (UINT)std::atoi(argv[2]);
    LPCTSTR lpszSender = argv[3];
    LPCTSTR lpszRecipients = argv[4];
    LPCTSTR lpszFileName = argv[5];
    LPCTSTR lpszUserName = (argc == 7) ? argv[6] : NULL;
    LPCTSTR lpszPassword = std::getenv("SMTP_PASSWORD");
    DWORD dwOptions = (nPort == 465) ? SMTP_OPTION_SECURE_IMPLICIT : SMTP_OPTION_SECURE;

    CSmtpClient smtpClient;

    if (!smtpClient.Connect(lpszServer, nPort, 30, dwOptions | SMTP_OPTION_EXTENDED, NULL,
                            WM_NULL)) {
        ShowError(&smtpClient, _T("Connect"));
        return 75;
    }

    if (lpszUserName != NULL) {
        if (smtpClient.Authenticate(lpszUserName, lpszPassword ? lpszPassword : _T(""),
                                    SMTP_AUTH_LOGIN) == SMTP_ERROR) {
            ShowError(&smtpClient, _T("Authenticate"));
            smtpClient.Disconnect();
            return 77;
        }
    }

    if (smtpClient.SendMessage(lpszSender, lpszRecipients, lpszFileName, 0, SMTP_MESSAGE_FILE) ==
        SMTP_ERROR) {
        ShowError(&smtpClient, _T("SendMessage"));
        smtpClient.Disconnect();
        return 69;
    }

    TCHAR szResult[512];
    smtpClient.GetResultString(szResult, 512);
    std::printf("%d %s\n", smtpClient.GetResultCode(), szResult);

    smtpClient.Disconnect();
    return 0;
}
